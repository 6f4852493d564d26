package dev.refract.api;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An operation of the merchant API: {@link MerchantAuthFilter} authenticates its API key before the operation runs
 * (and before its body is read), and {@link AuthenticatedMerchant} gives the operation the merchant.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface MerchantApi {}
