/*
 * valid.h: syntax checks shared by every place that takes a username, an email address or a
 * phone number (users, invitations, the create-admin command).  Pure functions; 1 = valid.
 */
#ifndef GH_VALID_H
#define GH_VALID_H

/* 3-64 of [A-Za-z0-9._-], starting with a letter or a digit (so never an '@', which tells a
 * login by email from one by username). */
int	 valid_username(const char *);

/* local@domain: a dot-atom local part of at most 64 ASCII characters, a domain of two or more
 * LDH labels with an alphabetic top level (not the reserved "invalid"), 254 characters in all. */
int	 valid_email(const char *);

/* E.164: '+', then 2-15 digits, the first not 0. */
int	 valid_phone(const char *);

#endif
