#include "store/sql.h"

const char *const sql_text[SQL__MAX] = {
#define X(id, text) [id] = text,
	SQL_STATEMENTS
#undef X
};

const char *const sql_name[SQL__MAX] = {
#define X(id, text) [id] = #id,
	SQL_STATEMENTS
#undef X
};
