"""The ambassadors clock work: the weekly card of candidates, the monthly thank-you draft, retention."""
