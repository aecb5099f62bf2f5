""""My work": each person's start page after login (issue 14). Staff see what is due
and overdue, their drafts and what was returned to them with the reason; the director
sees what waits for approval and the organisation's compliance summary."""
