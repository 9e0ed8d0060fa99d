"""Output layer for e-mail: RFC 5322 messages (.eml) and sending them through SMTP.

Like report/, it sits above analysis and warehouse and below dashboard and cli."""
