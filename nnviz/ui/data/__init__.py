"""The data panel: choosing a data set and its options, and a preview of it before training."""
