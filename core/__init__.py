"""The yibao domain: persons, households, enrolments, payments and their rules.

Core holds no regional figure; provinces add theirs through plugins.
"""
