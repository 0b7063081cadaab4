"""The bare Django project that bench/request_cost.py serves beside Palermo: the floor one request costs."""
