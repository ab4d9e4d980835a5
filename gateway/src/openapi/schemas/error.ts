// The body of every platform error (DESIGN §5), as the error handler renders it.
import { ERROR_STATUS, type ErrorCode } from "@skiff/core";
import { z } from "zod";

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const errorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string().meta({ description: "What went wrong and, where it can, how to fix it." }),
      invocationId: z
        .string()
        .optional()
        .meta({ description: "The invocation that failed, when a function ran." }),
      details: z
        .unknown()
        .optional()
        .meta({ description: "Per-field problems of an invalid request, or an S3 error name." }),
    }),
  })
  .meta({ id: "Error", description: "A platform error; the HTTP status follows from the code." });
