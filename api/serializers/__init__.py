"""What the REST API answers, resource by resource. Amounts are decimal strings in euro with two
decimal places ("1234.50"); dates ISO 8601; every status comes with its German label."""
