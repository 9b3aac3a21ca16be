"""Invoice applications: the types, the work-queue reads and the mutations of their life."""
