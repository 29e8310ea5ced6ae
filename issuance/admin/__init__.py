"""issuance's screens in the Wagtail admin, registered by issuance/wagtail_hooks.py."""
