"""The labels an app shows beside codes: hardship categories and payment channels.

Codes stay codes in the schema (plugins add categories, policies name their channels), and these
lists say what each means, in the words of the notices.
"""

from __future__ import annotations

import strawberry

from yibao.core.rules.vocabulary import CHANNELS

CORE_DOCUMENT = "docs/contract/categories.md"


@strawberry.type(description="A hardship category (困难身份) code and its label.")
class Category:
    code: str
    label: str
    document: str = strawberry.field(
        description="Where the code is defined: the canonical vocabulary, or the notice of the plugin "
        "that adds it."
    )


@strawberry.type(description="A payment channel code and its label.")
class Channel:
    code: str
    label: str


@strawberry.type
class Query:
    @strawberry.field(description="Every hardship category code the installed policies know, with its label.")
    def categories(self, info: strawberry.Info) -> list[Category]:
        registry = info.context.registry
        documents = registry.category_documents
        return [
            Category(code=code, label=label, document=documents.get(code) or CORE_DOCUMENT)
            for code, label in registry.categories.items()
        ]

    @strawberry.field(description="Every payment channel code and its label; a policy names those it allows.")
    def channels(self) -> list[Channel]:
        return [Channel(code=code, label=label) for code, label in CHANNELS.items()]
