"""The Statement resource: storage, queries, attachments, signatures and its HTTP routes."""
