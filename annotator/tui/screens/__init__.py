"""The workbench screens: queue, annotate, review, help, the glance, and the choosers."""

NARROW = 96
"""Below this many columns the screens fold their side parts: the annotate and review
screens their side panel (b shows it), the queue its progress bar."""
