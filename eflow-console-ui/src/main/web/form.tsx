import { cloneElement, ComponentChildren, VNode } from 'preact';
import { useId, useState } from 'preact/hooks';
import { ApiError } from './api';

/** Any failure as the API's error: a thrown fetch or parse error becomes one without fields. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
}

function camel(option: string): string {
  return option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The request fields an error is about: those the daemon names, or else the CLI option the guest's refusal quotes
 * ("--scope-id is not a DPS id scope"), which is the request field's name in the CLI's spelling.
 */
export function errorFields(error: ApiError): string[] {
  if (error.fields.length > 0) {
    return error.fields;
  }
  const option = error.message.match(/(?:^|\s)--([a-z][a-z-]*)/);
  return option ? [camel(option[1])] : [];
}

/** Whether an input is one the error names, for its aria-invalid. */
export function invalid(error: ApiError | null, field: string): boolean {
  return error !== null && errorFields(error).includes(field);
}

/**
 * The error beside the first field it names (a complaint about several fields together shows once, naming them all);
 * nothing when it is about another field or none.
 */
export function FieldError({ error, field }: { error: ApiError | null; field: string }) {
  if (!error) {
    return null;
  }
  const fields = errorFields(error);
  if (fields[0] !== field) {
    return null;
  }
  // beside its field, a refusal that quotes the CLI's option for it need not say it again
  const problem = error.fields.length > 0 ? error.problem ?? error.message : error.message.replace(/^--[a-z-]+:?\s*/, '');
  return <span class="error at-field" role="alert">{fields.length > 1 && <span class="field">{fields.join(', ')}: </span>}{problem}</span>;
}

/** The error when it names none of the form's fields: a conflict, a refusal from IoT Hub, a lost connection. */
export function FormError({ error, fields }: { error: ApiError | null; fields: string[] }) {
  if (!error || errorFields(error).some((field) => fields.includes(field))) {
    return null;
  }
  return <p class="error" role="alert">{error.message}</p>;
}

/**
 * A labelled input with the error that names it underneath. The label names the input by its id rather than by
 * holding it, so that a select's options or the error's words do not become part of the input's name.
 */
export function Field({ label, field, error, children }: { label: ComponentChildren; field: string; error: ApiError | null;
  children: VNode }) {
  const id = useId();
  return (
    <div class="field-row">
      <label for={id}>{label}</label>
      {cloneElement(children, { id })}
      <FieldError error={error} field={field} />
    </div>
  );
}

/** Which field a refusal that names none is about, by its words ("firewall port must be …" is the port's). */
export type Places = Record<string, RegExp>;

/** The error with the field its words point at, when the daemon named none. */
export function locate(error: ApiError, places: Places): ApiError {
  if (errorFields(error).length > 0) {
    return error;
  }
  const field = Object.keys(places).find((key) => places[key].test(error.message));
  return field ? new ApiError(error.status, error.message, [field], error.message) : error;
}

/**
 * One change at a time sent to the API: its error kept for the form to show at its fields, the busy flag for the
 * buttons, and what it answered handed to {@code done}.
 */
export function useAction(places: Places = {}) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(action: () => Promise<T>, done: (answer: T) => void = () => {}): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      done(await action());
      return true;
    } catch (e) {
      setError(locate(asApiError(e), places));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}
