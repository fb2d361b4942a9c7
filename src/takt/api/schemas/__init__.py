"""Pydantic schemas of the API, split by purpose: ``...Create`` / ``...Update`` (requests) and
``...Read`` (responses). Requests refuse unknown fields; decimals travel as strings."""
