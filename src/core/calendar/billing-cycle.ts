import { addMonthsClamped, splitDate, formatDate, type BusinessDate } from './business-date.ts';

/**
 * 账单日 / 还款日: a customer's bill is made on the statement day and due on the due day.
 * A purchase joins the first bill made strictly after the purchase date, so a purchase on
 * the statement day itself waits for next month's bill (the customer always gets a full
 * cycle to pay). The due day falls in the statement's month when it is later in the month,
 * otherwise in the month after.
 */
export function firstStatementDate(purchase: BusinessDate, statementDay: number): BusinessDate {
  const { year, month, day } = splitDate(purchase);
  const thisMonth = formatDate(year, month, statementDay);
  return day < statementDay ? thisMonth : addMonthsClamped(thisMonth, 1, statementDay);
}

export function dueDateForStatement(statement: BusinessDate, statementDay: number, dueDay: number): BusinessDate {
  return dueDay > statementDay ? addMonthsClamped(statement, 0, dueDay) : addMonthsClamped(statement, 1, dueDay);
}

export function firstDueDate(purchase: BusinessDate, statementDay: number, dueDay: number): BusinessDate {
  return dueDateForStatement(firstStatementDate(purchase, statementDay), statementDay, dueDay);
}

/** The statement date of the bill that a due date belongs to. */
export function statementDateForDue(due: BusinessDate, statementDay: number, dueDay: number): BusinessDate {
  return dueDay > statementDay ? addMonthsClamped(due, 0, statementDay) : addMonthsClamped(due, -1, statementDay);
}
