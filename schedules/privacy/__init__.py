"""Privacy's clock work: erasing the sanctions kept for a forgotten member once their keeping period is over."""
