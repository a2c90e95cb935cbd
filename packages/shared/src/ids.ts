import { z } from "zod";

export const idSchema = z.uuid();
export const byIdSchema = z.object({ id: idSchema }).strict();
