file(REMOVE_RECURSE
  "libesra_fakedns.a"
)
