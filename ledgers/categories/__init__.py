"""Spend categories and the rules that decide whether a Direct Payment may pay for something."""
