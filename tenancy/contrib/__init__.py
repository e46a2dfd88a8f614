"""Optional integrations of tenancy with Django and other libraries, one app or module each."""
