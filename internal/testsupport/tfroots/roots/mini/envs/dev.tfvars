environment    = "dev"
sg_description = "tasks (dev)"
