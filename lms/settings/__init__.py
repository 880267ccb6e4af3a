"""Site settings kept in the database: name and logo, default language and time zone,
password policy, reminder lead times, recording retention, with a getter API for features."""
