"""The workbench screens: queue, annotate, help, and the modal choosers."""
