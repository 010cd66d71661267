file(REMOVE_RECURSE
  "libesra_core.a"
)
