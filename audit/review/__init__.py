"""The compliance review: reviewers' decisions on findings, and an approved-claims library.

A linter stops at findings; a review team decides, claim by claim, what may be published and
keeps a record of why. `decisions` reads the decisions a reviewer exports from the HTML report
and applies them to the next run; `library` matches sentences against claims approved once
against their references; `log` writes the audit trail.
"""
