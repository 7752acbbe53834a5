"""Writers turn audit results into what people and machines read."""
