/*
 * glibc's regcomp expands repetition into copies of the repeated tree
 * ("x+" is "xx*", "x{3}" is "xxx", and a repeated group copies its whole
 * inside), so a short pattern from hostile input ("b+++...+", "((a+)+)+")
 * can ask for millions of nodes and gigabytes. Patterns are checked before
 * they reach regcomp.
 */
#ifndef COPA_LIB_UTIL_REGEX_COST_H
#define COPA_LIB_UTIL_REGEX_COST_H

/*
 * 1 when no atom of the POSIX extended regular expression `pattern` is
 * copied more than `limit` times by regcomp: along every nesting path the
 * product of its repetitions ('+' doubles, "{m,n}" multiplies by the larger
 * count, '*' and '?' copy nothing) stays within `limit`, and groups nest at
 * most 100 deep. 0 otherwise. Malformed patterns are left to regcomp.
 */
int copa__regex_cost_ok(const char *pattern, unsigned long limit);

#endif
