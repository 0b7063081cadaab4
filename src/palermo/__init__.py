"""Palermo: identification, referral, reporting and monitoring against human trafficking."""
