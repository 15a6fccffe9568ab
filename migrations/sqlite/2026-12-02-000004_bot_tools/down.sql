DROP TABLE bot_tools;
