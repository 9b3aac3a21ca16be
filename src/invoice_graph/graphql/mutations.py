"""The Mutation root, merged from each area's mutations."""

from strawberry.tools import merge_types

from invoice_graph.graphql.invoice_addresses.mutations import AddressMutations
from invoice_graph.graphql.invoice_applications.mutations import ApplicationMutations
from invoice_graph.graphql.invoice_titles.mutations import TitleMutations
from invoice_graph.graphql.webhooks.mutations import WebhookMutations

# Each area adds its mutations class here.
Mutation = merge_types("Mutation", (TitleMutations, AddressMutations, ApplicationMutations, WebhookMutations))
