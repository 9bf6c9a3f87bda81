"""Validation as strawberry's, with the grammar's rule that a selection set selects something.

GraphQL's grammar asks at least one selection in a set (`SelectionSet: { Selection+ }`). graphql-core
3.3 parses an empty set by default (its `allow_empty_selection_sets`, deprecated), and executes it
as an empty answer: `{}` answered `{"data": {}}`, and `{ quote(…) { } }` an empty object, with no
error to say the document asks for nothing. Every path that validates a document (strawberry's
operation, api/graphql/pure.py, api/graphql/compiled_http.py) validates it here, so `{}` is
refused as graphql-core 3.2's parser refused it, whichever graphql-core is installed.
"""

from graphql import DocumentNode, GraphQLError, GraphQLSchema, SelectionSetNode
from graphql.validation import ASTValidationRule, ValidationRule
from strawberry.schema.schema import validate_document as strawberry_validate


class NoEmptySelectionSets(ValidationRule):
    def enter_selection_set(self, node: SelectionSetNode, *_args) -> None:
        if not node.selections:
            self.report_error(GraphQLError("A selection set must select at least one field.", node))


def validate_document(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """strawberry's `validate_document`, with NoEmptySelectionSets among the rules."""
    return strawberry_validate(schema, document, (*rules, NoEmptySelectionSets))
