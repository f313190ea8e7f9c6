"""The feedback inbox's clock work: the nightly erasure of words and rows past their retention."""
