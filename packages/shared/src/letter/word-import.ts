// What `POST /api/documents/:id/import.docx` answers: the API writes it, the web shows it.

/** Something the Word file holds that the letter could not take (an image, a text box…), and where. */
export type WordImportUnmapped = { kind: string; near: string; message: string };

export type WordImportResult = {
  /** suggestions added (a replaced phrase is one suggestion: its deletion and its insertion) */
  suggestions: number;
  /** comment threads opened, and replies added to threads */
  comments: number;
  replies: number;
  /** threads resolved because the comment was resolved in Word */
  resolved: number;
  /** what the file has that the letter could not take, and where */
  unmapped: WordImportUnmapped[];
};
