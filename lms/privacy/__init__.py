"""Personal data (PIPL): a person's data export, erasure requests approved by an administrator,
and the retention of role-play recordings."""
