"""REST: request and response values, encoders, endpoint catalogues, envelope parsing."""
