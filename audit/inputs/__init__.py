"""Where documents come from: files and folders, corpus exports, git diffs, the web."""
