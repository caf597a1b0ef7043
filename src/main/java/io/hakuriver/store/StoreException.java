package io.hakuriver.store;

import java.sql.SQLException;

/** A database failure; the Host answers 500 with a short detail and logs the cause. */
public class StoreException extends RuntimeException {
    public StoreException(String what, SQLException cause) { super("Database error " + what + ": " + cause.getMessage(), cause); }
}
