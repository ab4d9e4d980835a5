// Every migration in the order it is applied; a new one is appended, an applied one never edited.
import { initial } from "./001-initial.js";

export const MIGRATIONS = [initial] as const;
