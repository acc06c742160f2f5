"""Extraction: posting text in, `PostingFacts` out (skills, pay, seniority, location, remote policy).

Bottom floor: it never imports scrapers. The backends (rules, llm, hybrid) arrive with issue 3.
"""
