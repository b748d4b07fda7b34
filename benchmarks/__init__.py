"""The evaluation harness behind ``lastfix bench``."""
