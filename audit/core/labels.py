"""The labelling guide's labels: what the corpus is labelled with and the sentence model scores.

The four core labels are what the product is judged on; absolute-claim and safety-claim are
scored too. Each label is also a finding category.
"""

from __future__ import annotations

CORE = ("unsourced-statistic", "vague-attribution", "efficacy-claim", "spam-link")
EXTRA = ("absolute-claim", "safety-claim")
LABELS = CORE + EXTRA
