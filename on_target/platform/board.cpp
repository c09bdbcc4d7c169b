#include "platform.h"

namespace platform {

const char* board_name() { return PLATFORM_BOARD; }
const char* core_name() { return PLATFORM_CORE; }

}  // namespace platform
