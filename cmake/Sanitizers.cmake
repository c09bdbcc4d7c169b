# One switch for the whole tree, so that every object in a sanitized test binary is
# instrumented the same way.
if(CONFORMANCE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
