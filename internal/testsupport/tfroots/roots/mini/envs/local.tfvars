environment    = "local"
sg_description = "tasks (local)"
