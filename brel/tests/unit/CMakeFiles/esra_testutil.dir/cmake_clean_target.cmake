file(REMOVE_RECURSE
  "libesra_testutil.a"
)
