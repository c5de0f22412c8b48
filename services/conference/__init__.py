"""The conference service: leadership group, joint conference (联席会议), decisions and follow-up (督办)."""
