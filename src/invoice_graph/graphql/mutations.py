"""The Mutation root, merged from each area's mutations."""

from strawberry.tools import merge_types

# Each area adds its mutations class here, e.g. invoice_titles.mutations.TitleMutations.
AREA_MUTATIONS: tuple[type, ...] = ()

Mutation = merge_types("Mutation", AREA_MUTATIONS) if AREA_MUTATIONS else None
