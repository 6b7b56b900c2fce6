class CreateTickets < ActiveRecord::Migration[7.2]
  def change
    create_table :tickets do |t|
      t.string :subject, null: false
      t.timestamps
    end
  end
end
