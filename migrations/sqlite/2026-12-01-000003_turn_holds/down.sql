DROP TABLE turn_holds;
