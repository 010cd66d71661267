file(REMOVE_RECURSE
  "libesra_core_t.a"
)
