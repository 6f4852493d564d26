package dev.refract.admin;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The least role an admin operation or a console page or action needs (on the method, else its class). Without it
 * the operation needs {@link Role#ADMIN}: a new operation is closed until someone opens it on purpose.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RoleRequired {
    Role value();
}
