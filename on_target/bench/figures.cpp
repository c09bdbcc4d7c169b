#include "figures.h"

#include <stdio.h>
#include <string.h>

namespace bench {
namespace {

// "0.125" -> 125, "5.5" -> 5500, "1" -> 1000; false for anything else (at most 3 decimals).
bool parse_milli(const char* text, int32_t& value) {
  int32_t whole = 0, fraction = 0, decimals = 0;
  const char* p = text;
  if (*p < '0' || *p > '9') return false;
  for (; *p >= '0' && *p <= '9'; ++p) {
    whole = whole * 10 + (*p - '0');
    if (whole > 1000000) return false;
  }
  if (*p == '.') {
    for (++p; *p >= '0' && *p <= '9'; ++p) {
      if (++decimals > 3) return false;
      fraction = fraction * 10 + (*p - '0');
    }
    if (decimals == 0) return false;
  }
  if (*p != '\0') return false;
  for (; decimals < 3; ++decimals) fraction *= 10;
  value = whole * 1000 + fraction;
  return true;
}

bool copy_word(const char* word, char* to, size_t size) {
  if (strlen(word) >= size) return false;
  strcpy(to, word);
  return true;
}

}  // namespace

bool read_figures(const char* path, FigureTable& table, char* error, int32_t error_size) {
  table.count = 0;
  FILE* file = fopen(path, "r");
  if (file == nullptr) {
    snprintf(error, static_cast<size_t>(error_size), "cannot open %s", path);
    return false;
  }
  char line[256];
  int32_t number = 0;
  bool ok = true;
  while (ok && fgets(line, sizeof line, file) != nullptr) {
    ++number;
    char* words[7];
    int32_t count = 0;
    for (char* w = strtok(line, " \t\r\n"); w != nullptr && count < 7;
         w = strtok(nullptr, " \t\r\n"))
      words[count++] = w;
    if (count == 0 || words[0][0] == '#') continue;
    Figure f;
    f.floor_milli = 0;
    ok = (count == 5 || count == 6) && table.count < kMaxFigures && copy_word(words[0], f.core, sizeof f.core) &&
         copy_word(words[1], f.shape, sizeof f.shape) && parse_milli(words[2], f.low_milli) &&
         parse_milli(words[3], f.high_milli) && parse_milli(words[4], f.required_milli) &&
         (count == 5 || parse_milli(words[5], f.floor_milli));
    if (ok) {
      table.rows[table.count++] = f;
    } else {
      snprintf(error, static_cast<size_t>(error_size),
               "%s:%ld: expected 'core shape low high required [floor]' (decimals, at most 3 places)", path,
               static_cast<long>(number));
    }
  }
  fclose(file);
  return ok;
}

const Figure* find_figure(const FigureTable& table, const char* core, const char* shape) {
  for (int32_t i = 0; i < table.count; ++i) {
    if (strcmp(table.rows[i].core, core) == 0 && strcmp(table.rows[i].shape, shape) == 0)
      return &table.rows[i];
  }
  return nullptr;
}

void format_milli(int64_t milli, char* text, int32_t size) {
  snprintf(text, static_cast<size_t>(size), "%ld.%03ld", static_cast<long>(milli / 1000),
           static_cast<long>(milli % 1000));
}

}  // namespace bench
